//! The Orrery web app: thin Leptos views over the `orrery` simulator crate.
//!
//! The app owns UI state only (open files, the active tab, the selection, playback);
//! everything it knows about Kubernetes comes from `orrery`. Components are public so that
//! the browser tests in `tests/browser.rs` can mount them on their own; `main.rs` only
//! mounts [`App`].

pub mod app;
pub mod bench;
pub mod canvas;
pub mod clock;
pub mod commands;
pub mod completion;
pub mod console;
pub mod editor;
pub mod embed;
pub mod i18n;
pub mod inspector;
pub mod lang;
pub mod lesson;
pub mod persist;
pub mod reach;
pub mod report;
pub mod scenario;
pub mod session_doc;
pub mod share;
pub mod state;
pub mod theme;
pub mod timebar;
pub mod warm;

pub use app::App;
