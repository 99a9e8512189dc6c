-- The seat snapshot of one (enterprise, organization, day): replaced whole by the day's listing.
delete from copilot_seats where enterprise = $1 and organization = $2 and snapshot_day = $3
