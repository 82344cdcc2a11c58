//! Scenario edits made from the input's bytes (targets picked among the mini network's ids
//! or made of raw text, numbers of any value, NaN and infinities included) applied to the
//! mini network. An edit list either fails with an error naming an edit of the list, or gives
//! a network the loader's checks accept, which its inverse turns back into the original
//! (`apply(apply(n, e), inverse(n, e)) == n`), and which routes and assigns without panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::Network;
use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::freight::{FreightOptions, assign_freight};
use silkroute_core::network::{
    HandlingId, HandlingKind, LinkId, NodeId, Running, Source, SourceKind, Status, Validity,
};
use silkroute_core::route::{Plan, RouteRequest, plan};
use silkroute_core::scenario::{
    Edit, HandlingKey, HandlingSpec, LinkSpec, NodeSpec, apply, inverse,
};
use silkroute_fuzz::{Bytes, mini_network};

fn validity(bytes: &mut Bytes) -> Validity {
    Validity {
        status: Status::ALL[usize::from(bytes.byte()) % Status::ALL.len()],
        opening_year: bytes.byte().is_multiple_of(2).then(|| bytes.year()),
        closing_year: bytes.byte().is_multiple_of(3).then(|| bytes.year()),
    }
}

fn edit(network: &Network, bytes: &mut Bytes) -> Edit {
    let nodes: Vec<String> = network.nodes().iter().map(|n| n.key.clone()).collect();
    let links: Vec<String> = network.links().iter().map(|l| l.key.clone()).collect();
    let sources: Vec<String> = network.sources().iter().map(|s| s.key.clone()).collect();
    let corridors: Vec<String> = network.corridors().iter().map(|c| c.key.clone()).collect();
    let handlings: Vec<HandlingKey> = (0..network.handlings().len())
        .map(|i| HandlingKey::of(network, HandlingId::from_index(i)))
        .collect();
    let source_list = |bytes: &mut Bytes| -> Vec<String> {
        (0..bytes.byte() % 3)
            .map(|_| bytes.pick(&sources))
            .collect()
    };
    let handling_key = |bytes: &mut Bytes| -> HandlingKey {
        let b = usize::from(bytes.byte());
        if b % 8 == 7 || handlings.is_empty() {
            HandlingKey::new(
                bytes.pick(&nodes),
                HandlingKind::ALL[b % HandlingKind::ALL.len()],
            )
        } else {
            handlings[b % handlings.len()].clone()
        }
    };
    match bytes.byte() % 18 {
        0 => Edit::SetLinkCapacity {
            link: bytes.pick(&links),
            trains_per_day: bytes.optional_number(),
            teu_per_year: bytes.optional_number(),
            sources: source_list(bytes),
        },
        1 => Edit::SetLinkTariff {
            link: bytes.pick(&links),
            fixed_usd: bytes.number(),
            per_km_usd: bytes.number(),
            sources: source_list(bytes),
        },
        2 => Edit::SetLinkRunning {
            link: bytes.pick(&links),
            running: if bytes.byte().is_multiple_of(2) {
                Running::SpeedKmh(bytes.number())
            } else {
                Running::Hours(bytes.number())
            },
            sources: source_list(bytes),
        },
        3 => Edit::SetLinkWait {
            link: bytes.pick(&links),
            hours: bytes.number(),
            sources: source_list(bytes),
        },
        4 => Edit::SetLinkValidity {
            link: bytes.pick(&links),
            validity: validity(bytes),
            sources: source_list(bytes),
        },
        5 => Edit::ScaleCorridorTariffs {
            corridor: bytes.pick(&corridors),
            factor: bytes.number(),
            sources: source_list(bytes),
        },
        6 => Edit::SetHandlingCapacity {
            handling: handling_key(bytes),
            teu_per_day: bytes.optional_number(),
            sources: source_list(bytes),
        },
        7 => Edit::SetHandlingHours {
            handling: handling_key(bytes),
            hours: bytes.number(),
            sources: source_list(bytes),
        },
        8 => Edit::SetHandlingCost {
            handling: handling_key(bytes),
            cost_usd: bytes.number(),
            sources: source_list(bytes),
        },
        9 => Edit::SetHandlingValidity {
            handling: handling_key(bytes),
            validity: validity(bytes),
            sources: source_list(bytes),
        },
        10 => Edit::RemoveLink {
            link: bytes.pick(&links),
        },
        11 => Edit::RemoveNode {
            node: bytes.pick(&nodes),
        },
        12 => Edit::RemoveHandling {
            handling: handling_key(bytes),
        },
        13 => Edit::RemoveSource {
            source: bytes.pick(&sources),
        },
        14 => {
            let from = NodeId::from_index(usize::from(bytes.byte()) % network.node_count());
            let mut node = NodeSpec::of(network, from);
            node.key = bytes.pick(&nodes);
            node.name = bytes.pick(&nodes);
            node.lat = bytes.number();
            node.lon = bytes.number();
            Edit::AddNode {
                node,
                before: bytes.byte().is_multiple_of(2).then(|| bytes.pick(&nodes)),
            }
        }
        15 => {
            let from = LinkId::from_index(usize::from(bytes.byte()) % network.link_count());
            let mut link = LinkSpec::of(network, from);
            link.key = bytes.pick(&links);
            link.from = bytes.pick(&nodes);
            link.to = bytes.pick(&nodes);
            link.length_km = bytes.number();
            link.validity = validity(bytes);
            Edit::AddLink {
                link,
                before: bytes.byte().is_multiple_of(2).then(|| bytes.pick(&links)),
            }
        }
        16 => {
            let from =
                HandlingId::from_index(usize::from(bytes.byte()) % network.handlings().len());
            let mut handling = HandlingSpec::of(network, from);
            handling.node = bytes.pick(&nodes);
            handling.kind = HandlingKind::ALL[usize::from(bytes.byte()) % HandlingKind::ALL.len()];
            handling.hours = bytes.number();
            handling.validity = validity(bytes);
            Edit::AddHandling {
                handling,
                before: None,
            }
        }
        _ => Edit::AddSource {
            source: Source {
                key: bytes.pick(&sources),
                title: bytes.pick(&nodes),
                url: String::new(),
                year: None,
                confidence: String::new(),
                kind: [
                    SourceKind::Published,
                    SourceKind::Derived,
                    SourceKind::Estimate,
                ][usize::from(bytes.byte()) % 3],
                method: bytes.pick(&nodes),
            },
            before: None,
        },
    }
}

fuzz_target!(|data: &[u8]| {
    let network = mini_network();
    let mut bytes = Bytes::new(data);
    let mut edits = Vec::new();
    while !bytes.is_empty() && edits.len() < 8 {
        edits.push(edit(network, &mut bytes));
    }
    let edited = match apply(network, &edits) {
        Ok(edited) => edited,
        Err(error) => {
            assert!(
                error.edit().index < edits.len(),
                "the error names an edit: {error}"
            );
            let _ = error.to_string();
            return;
        }
    };
    let undo = inverse(network, &edits).expect("edits that apply can be undone");
    let back = apply(&edited, &undo).expect("the inverse applies");
    assert!(
        back == *network,
        "an edit list and its inverse give back the network"
    );
    let request = RouteRequest {
        from: Some("east_city".into()),
        to: Some("west_city".into()),
        ..RouteRequest::default()
    };
    if let Ok(query) = request.resolve(&edited) {
        let _ = plan(&edited, &query, Plan::Alternatives(3));
    }
    if let Ok(options) = silkroute_core::freight::FreightRequest::default().options(&edited) {
        let _ = assign_freight(
            &edited,
            &options,
            &AssignOptions::new(Method::AllOrNothing),
            &mut Vec::new(),
            &mut keep_going,
        );
    }
    let _ = FreightOptions::defaults(&edited);
});
