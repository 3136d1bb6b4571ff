"""Herramientas de quien mantiene el libro (no las usan los notebooks): chequeo del entorno,
grabación de notebooks, enlaces externos, benchmarks y forma del código."""
