# "28 Şubat 2022" and "28 Şubat 2022, 10:00".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
