-- Many weeks read most of every table: hash joins throughout, not nested loops.
set local enable_nestloop = off
