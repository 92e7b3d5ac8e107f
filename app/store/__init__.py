"""The store as a whole: brought up to date (``upgrade``), backed up while it serves
(``backup``), copied whole into another (``transfer``)."""
