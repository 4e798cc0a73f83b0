-- Runs once when the PostgreSQL volume is created: the warehouse lives beside Airflow's metadata database.
CREATE DATABASE warehouse OWNER airflow;
