//! `Sim::recent_event` (an index) finds what scanning back through the event log finds,
//! for every object, reason and message, lookback and log length — also after the log
//! has dropped its oldest records and the index has been pruned.

use orrery::api::Object;
use orrery::shell::Session;
use orrery::sim::{Action, EventRecord, Sim, MAX_EVENTS};

fn scan<'a>(
    sim: &'a Sim,
    uid: &str,
    reason: &str,
    message: Option<&str>,
    lookback: usize,
) -> Option<&'a EventRecord> {
    sim.events
        .iter()
        .rev()
        .take(lookback)
        .find(|e| e.uid == uid && e.reason == reason && message.is_none_or(|m| e.message == m))
        .map(|e| &**e)
}

#[test]
fn the_index_answers_as_the_scan_does() {
    let mut s = Session::new(7);
    s.exec("minikube start", None);
    let objects: Vec<Object> = s.sim.store.list_all("Namespace").cloned().collect();
    assert!(objects.len() >= 3);
    let reasons = ["Provisioning", "ExternalProvisioning", "FailedBinding"];
    let mut rng = 12345u64;
    let mut next = |n: u64| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 33) % n
    };
    for i in 0..(MAX_EVENTS + 2_500) {
        let obj = &objects[next(objects.len() as u64) as usize];
        let reason = reasons[next(3) as usize];
        let message = format!("message {}", next(400));
        s.sim.now += next(2) as i64;
        let Action::Event(spec) = orrery::sim::EventSpec::normal(obj, reason, message) else {
            unreachable!()
        };
        s.sim.event(spec);
        if i % 97 == 0 || i > MAX_EVENTS + 2_400 {
            for o in &objects {
                for r in reasons {
                    for m in [
                        None,
                        Some("message 0"),
                        Some("message 7"),
                        Some("message 399"),
                        Some("other"),
                    ] {
                        for lookback in [1, 5, 64, 999, 1_000, 1_001, 6_000] {
                            let want = scan(&s.sim, &o.meta.uid, r, m, lookback);
                            let got = s.sim.recent_event(&o.meta.uid, r, m, lookback);
                            assert_eq!(
                                got.map(|e| e as *const EventRecord),
                                want.map(|e| e as *const EventRecord),
                                "after {i} events: {} {r} {m:?} lookback {lookback}",
                                o.meta.name
                            );
                        }
                    }
                }
            }
        }
    }
    // The log did drop its oldest records (the case the index must survive).
    assert_eq!(s.sim.events.len(), MAX_EVENTS);
}
