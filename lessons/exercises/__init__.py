"""Workshop exercises: model (frozen dataclasses), loading (content/exercises/*.toml, EXERCISES),
checks (run_check: measure simulations, judge rules and goal). Arrows: checks -> model,
loading -> model; nothing imports back."""
