"""Research on the cluster: StrategySweeps as Indexed Jobs, and a backtest per configuration."""
