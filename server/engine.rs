//! Glue between the workspace model, target facts and analysis (filled in by the engine work).
