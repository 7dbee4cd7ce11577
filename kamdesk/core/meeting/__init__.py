"""One meeting: everything it needs loaded once (``context``), the readiness gate of the
seven mistakes (``readiness``, with ``substance``: does a text say something), and what
goes out of it: the calendar file (``calendar``) and the notes (``notes_export``)."""
