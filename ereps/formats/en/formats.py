"""English for Belgian readers: Django's US formats (12/01/2026, "10:06 p.m.") read as
12 January to them. Day before month, month in letters, 24-hour clock: "1 Dec 2026 22:06"."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
