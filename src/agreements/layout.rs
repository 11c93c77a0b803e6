//! The built-in layouts (placeholder).
