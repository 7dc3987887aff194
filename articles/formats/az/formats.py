# "28 Fevral 2022" and "28 Fevral 2022, 10:00".
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
