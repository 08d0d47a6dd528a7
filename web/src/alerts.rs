//! The alerts of etcd's own monitoring mixin, as the engine evaluates them over the simulated
//! metrics on virtual time: each rule with its state (inactive, pending for its `for:`, firing),
//! the member it fires for, since when, and the rule's expression.

use leptos::prelude::*;

use crate::context::PlaygroundContext;
use crate::members::clock;

#[component]
pub fn AlertsPanel() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let alerts = Memo::new(move |_| context.read(|p| p.alerts()));
    let firing = move || alerts.with(|a| a.iter().filter(|a| a.state == "firing").count());
    let rows = move || {
        alerts
            .get()
            .into_iter()
            .map(|alert| {
                let since = alert.since_micros.map(clock).unwrap_or_default();
                let member = alert.member.clone().unwrap_or_default();
                let for_ = if alert.for_micros > 0 { format!("for {}", duration(alert.for_micros)) } else { String::new() };
                view! {
                    <tr data-testid="alert-row" data-name=alert.name.clone() data-state=alert.state.clone()
                        class=format!("alert {}", alert.state)>
                        <td><span class="badge">{alert.state.clone()}</span></td>
                        <td title=alert.expr.clone()><b>{alert.name.clone()}</b><br/><span class="muted">{alert.summary.clone()}</span></td>
                        <td>{alert.severity.clone()}</td>
                        <td>{member}</td>
                        <td>{since}</td>
                        <td class="muted">{for_}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="alerts" data-testid="alerts">
            <p class="muted">
                "Rules of etcd's monitoring mixin (contrib/mixin), evaluated every 15 s of virtual time. Firing: "
                <b data-testid="alerts-firing">{firing}</b>
            </p>
            <div class="table-scroll">
                <table>
                    <thead><tr><th>"state"</th><th>"alert"</th><th>"severity"</th><th>"member"</th><th>"since"</th><th>"for"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// `10m`, `1h`, `90s`, as a rule's `for:` reads.
fn duration(micros: u64) -> String {
    let seconds = micros / 1_000_000;
    if seconds % 3600 == 0 {
        format!("{}h", seconds / 3600)
    } else if seconds % 60 == 0 {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}
