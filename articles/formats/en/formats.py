# "28 February 2022" and "28 February 2022, 10:00", as the newsroom writes them.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
