-- The enterprise's listing, one row per granted seat, before merge-enterprise-seats.sql keeps one per person.
create temporary table enterprise_seat_staging (like copilot_seats) on commit drop
