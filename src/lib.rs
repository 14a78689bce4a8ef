//! The Orrery web app: thin Leptos views over the `orrery` simulator crate.
//!
//! The app owns UI state only (open files, the active tab); everything it knows about
//! Kubernetes comes from `orrery`. Components are public so that the browser tests in
//! `tests/browser.rs` can mount them on their own; `main.rs` only mounts [`App`].

pub mod app;
pub mod completion;
pub mod console;
pub mod editor;
pub mod lesson;
pub mod report;
pub mod scenario;
pub mod state;
pub mod timebar;

pub use app::App;
