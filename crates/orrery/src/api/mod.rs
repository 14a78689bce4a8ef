//! The API server's data: objects, the store, discovery of kinds, label selectors.

pub mod frozen;
pub mod kinds;
pub mod object;
pub mod selector;
pub mod store;

pub use kinds::{ClusterVersion, Discovery, ResourceType};
pub use object::{GroupKind, Meta, ObjKey, Object, OwnerRef};
pub use selector::Selector;
pub use store::Store;
