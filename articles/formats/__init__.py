"""How the newsroom writes dates and times, per language (FORMAT_MODULE_PATH).

Pages, the admin and Python code name these formats ("DATE_FORMAT",
"DATETIME_FORMAT") rather than spelling them out, so each is written once,
and each language's edition can write its own.
"""
