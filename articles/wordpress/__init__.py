"""Moving in from WordPress: the import of an outlet's export (WXR), its
pictures, and the old addresses that keep answering with a 301.

- wxr: reading the export as a stream (defusedxml), one record at a time;
- content: WordPress bodies (classic and block editor) made story bodies;
- pictures: attachments found in a copy of wp-content/uploads, checked as uploads;
- addresses: the WordPress addresses each imported thing answered at;
- importer: the run itself, in one transaction, and its summary;
- batches: new stories written a batch at a time, doing what signals would;
- middleware: old addresses answered with a 301 to the new page;
- models, admin: what was imported from where, and the old addresses.

Imports the articles app's models and helpers; nothing in articles imports it
but the import_wordpress command.
"""
