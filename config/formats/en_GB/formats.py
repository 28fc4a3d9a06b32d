# GOV.UK style: 25 November 2026. Times are written by the `govuk_time` filter (2:30pm).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DATETIME_FORMAT = "j F Y H:i"
FIRST_DAY_OF_WEEK = 1
