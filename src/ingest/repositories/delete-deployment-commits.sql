-- A deployment's commits are replaced whole: its comparison is read again.
delete from deployment_commits where enterprise = $1 and repository_id = $2 and deployment_id = $3
