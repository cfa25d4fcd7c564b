//! F3: the app is sized as its t-shirt size; databases at least md.

use super::*;

/// True when every value present equals the size's.
fn equals_size(res: &Resources, s: &Size) -> bool {
    res.pairs(s).iter().all(|(_, v, want)| match v {
        None => true,
        Some(v) => v.as_str().and_then(parse_quantity).is_some_and(|q| Some(q) == parse_quantity(want)),
    })
}

/// The values that differ from a size's: "requests.cpu 200m (sm: 100m)".
fn differences(res: &Resources, s: &Size) -> Vec<String> {
    res.pairs(s)
        .iter()
        .filter_map(|(k, v, want)| {
            let got = (*v)?.as_str()?;
            let same = parse_quantity(got).is_some_and(|q| Some(q) == parse_quantity(want));
            (!same).then(|| format!("{k} {got} ({}: {want})", s.id))
        })
        .collect()
}

fn size_values(s: &Size) -> String {
    format!(
        "`requests: {{cpu: {}, memory: {}}}`, `limits: {{cpu: {}, memory: {}}}`",
        s.cpu_request, s.memory_request, s.cpu_limit, s.memory_limit
    )
}

/// F3: app resources equal its t-shirt size; stores at least md.
pub fn f3(r: &Review, out: &mut Vec<Finding>) {
    let min_store = contract::size(MIN_STORE_SIZE).unwrap_or(&SIZES[0]);
    for &w in &r.model.workloads {
        for c in w.main_containers() {
            let res = resources(&c);
            if res.pairs(min_store).iter().all(|(_, v, _)| v.is_none()) {
                continue;
            }
            let line = key_line(c.node, "resources").or_else(|| c.line());
            let who = container_words(&w, &c);
            match role(&w, &c) {
                Role::App if w.is_app() => {
                    let (ok, message, fix) = match &r.ctx.size {
                        Some(id) => {
                            let s = app_size(r.ctx);
                            (
                                equals_size(&res, s),
                                format!(
                                    "The resources of the app {who} differ from its t-shirt size {id} in vibe.yaml: {}.",
                                    differences(&res, s).join(", ")
                                ),
                                format!(
                                    "Set exactly {} (size {id}), or change `size` in vibe.yaml and run `vibe generate`.",
                                    size_values(s)
                                ),
                            )
                        }
                        None => {
                            // The size most of the values already match.
                            let closest = SIZES
                                .iter()
                                .max_by_key(|s| (4 - differences(&res, s).len(), s.id == contract::DEFAULT_SIZE))
                                .unwrap_or(app_size(r.ctx));
                            (
                                SIZES.iter().any(|s| equals_size(&res, s)),
                                format!(
                                    "The resources of the app {who} match none of the platform's t-shirt sizes ({}).",
                                    SIZES.iter().map(|s| s.id).collect::<Vec<_>>().join(", ")
                                ),
                                format!(
                                    "Use exactly one size's requests and limits, e.g. {} for {} (the closest).",
                                    size_values(closest),
                                    closest.id
                                ),
                            )
                        }
                    };
                    if !ok {
                        out.push(
                            Finding::new(CheckId::F3, &w.obj.file, line).object(w.obj.id()).message(message).fix(fix),
                        );
                    }
                }
                Role::Store => {
                    let below: Vec<String> = res
                        .pairs(min_store)
                        .iter()
                        .filter_map(|(k, v, want)| {
                            let got = (*v)?.as_str()?;
                            let small = parse_quantity(got).is_none_or(|q| parse_quantity(want).is_some_and(|w| q < w));
                            small.then(|| format!("{k} {got} (at least {want})"))
                        })
                        .collect();
                    if below.is_empty() {
                        continue;
                    }
                    out.push(
                        Finding::new(CheckId::F3, &w.obj.file, line)
                            .object(w.obj.id())
                            .message(format!(
                                "The store {who} is smaller than size {MIN_STORE_SIZE}: {}; it runs out of memory under ordinary load.",
                                below.join(", ")
                            ))
                            .fix(format!("Give it at least size {MIN_STORE_SIZE}: {}.", size_values(min_store))),
                    );
                }
                _ => {}
            }
        }
    }
}
