"""Pictures' files in storage, kept in step with the database: a save that
fails keeps none of the files it wrote, and files that a committed change
leaves unused are deleted.

Storage serves whatever it holds to anyone who has the address, so a file
the database has forgotten is a file still published. Used by models/media.py;
the admin opens files_removed_on_error() around its saves.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

logger = logging.getLogger(__name__)
# (storage, name) of each file written since the innermost
# files_removed_on_error() began, in this thread or task.
_written = ContextVar("written_files", default=None)


@contextmanager
def files_removed_on_error():
    """Delete the files written in this block (pictures' originals and
    renditions) if it raises, whatever raised: storage serves whatever it
    holds, so a save the database forgets must leave no file either.

    Blocks nest: files written in an inner block that succeeded are deleted if
    the outer one fails, as an import's pictures would be.
    """
    written = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for storage, name in reversed(written):
            try:
                storage.delete(name)
            except OSError:
                # The error that brought us here matters more than this one.
                logger.exception("Could not delete %s after a failed save", name)
        raise
    finally:
        _written.reset(token)
    if (outer := _written.get()) is not None:
        outer.extend(written)


def wrote(storage, name):
    """Record a file just written, for the enclosing files_removed_on_error()."""
    if (written := _written.get()) is not None:
        written.append((storage, name))


def files_in(storage, folder):
    """The names of the files in a folder of storage; none if it does not exist."""
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def delete_files(storage, names):
    """Delete each file, logging those storage would not delete: the database
    has moved on by now, and one file left must not keep the others."""
    for name in names:
        try:
            storage.delete(name)
        except Exception:
            logger.exception("Could not delete %s, which nothing uses any more", name)
