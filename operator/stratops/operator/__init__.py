"""The kopf operator that turns TradingStrategy resources into scheduled runners."""
