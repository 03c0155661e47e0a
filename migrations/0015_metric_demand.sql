CREATE TABLE `metric_demand` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`params` text NOT NULL,
	`read_on` text NOT NULL
);
