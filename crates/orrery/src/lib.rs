//! Orrery's simulator: a deterministic model of a Kubernetes control plane.
//!
//! Manifests come in through [`manifest`], objects live in the [`api`] store, commands
//! (kubectl, minikube, curl, sleep) are parsed by [`kubectl`] and applied by [`sim`], whose
//! controllers and simulated kubelet move the cluster one step at a time in virtual time.
//! The crate does no IO and reads no clock: see ARCHITECTURE.md.

pub mod addons;
pub mod admission;
pub mod api;
pub mod apps;
pub mod controllers;
pub mod curl;
pub mod decode;
pub mod errors;
pub mod invariants;
pub mod kubectl;
pub mod kubelet;
pub mod manifest;
pub mod minikube;
pub mod names;
pub mod netcmd;
pub mod quantity;
pub mod rng;
pub mod routing;
pub mod scene;
pub mod shell;
pub mod sim;
pub mod sort;
pub mod textutil;
pub mod time;
pub mod timeline;
pub mod transcript;
pub mod validation;
pub mod validation_network;
pub mod volumes;
pub mod watch;
pub mod yaml_fast;
