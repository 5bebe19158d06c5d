"""Trainers' review console for the breast-milk immunity assistant.

This package owns the review console, a separate web process (``python -m console``,
port 8081) in which trainers read the conversations that Rasa recorded and turn what
went wrong into training data. It owns:

* reading the tracker store that ``endpoints.yml`` configures (SQLite or PostgreSQL),
  strictly read-only: the console never writes to Rasa's ``events`` table;
* its own tables, all named ``review_*`` (accounts, sessions, login attempts, tags,
  notes, review status, intent annotations, saved stories), in the tracker database by
  default or in ``REVIEW_DATABASE_URL``;
* the files it writes on a trainer's request: ``data/nlu/reviewed.yml`` (corrected
  intents, Rasa YAML) and ``tests/stories/reviewed_<id>.yml`` (Rasa test stories).

Modules, one concern each:

``config``     settings, ``endpoints.yml`` parsing (``${ENV}`` substitution) into SQLAlchemy URLs
``db``         engines (read-only tracker engine, read-write review engine) and ``review_*`` tables
``auth``       accounts, argon2 password hashing, sessions, CSRF, login rate limiting
``masking``    masking of e-mail addresses and phone numbers in everything shown or exported
``turns``      turning tracker rows into turns and per-conversation summaries (pure Python)
``queries``    list filters, pagination and conversation look-ups (SQL, SQLite and PostgreSQL)
``review``     tags, notes, review status, annotations records (the ``review_*`` data)
``knowledge``  fact store (``facts/*.yml``) and domain intents
``annotate``   writing ``data/nlu/reviewed.yml`` and test stories
``export``     CSV and JSON export of a filtered list
``dashboard``  the dashboard's statistics
``charts``     server-side inline SVG charts
``views``/``app`` Sanic routes and the application factory
``cli``        ``python -m console [serve|create-user]``
"""

__version__ = "1.0.0"
