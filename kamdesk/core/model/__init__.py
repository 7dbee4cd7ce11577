"""The dossier's model: its tables (``models``), the closed vocabularies (``enums``) with
their labels in every form (``labels``), and the exchange document's schema
(``exchange_schema``), whose field rules every edit is validated by. Imports no other part
of the core but the leaves."""
