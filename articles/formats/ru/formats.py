# "28 февраля 2022" and "28 февраля 2022, 10:00": the month in the genitive.
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
