//! The panels beside the terminal, as tabs: each shows one view of the playground in context.
//! Only the open tab is mounted, so a closed panel costs nothing per frame.

use leptos::prelude::*;

use crate::alerts::AlertsPanel;
use crate::charts::ChartsPanel;
use crate::context::PlaygroundContext;
use crate::keyspace::KeyspacePanel;
use crate::page_map::PageMapPanel;
use crate::server_log::ServerLog;

/// What the panels share: the member the keyspace and the page map look at.
#[derive(Clone, Copy)]
pub struct PanelState {
    pub member: RwSignal<String>,
    pub tab: RwSignal<Tab>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    History,
    Alerts,
    Log,
    Keyspace,
    PageMap,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::History, Tab::Alerts, Tab::Log, Tab::Keyspace, Tab::PageMap];

    pub fn id(self) -> &'static str {
        match self {
            Tab::History => "history",
            Tab::Alerts => "alerts",
            Tab::Log => "log",
            Tab::Keyspace => "keyspace",
            Tab::PageMap => "page-map",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::History => "History",
            Tab::Alerts => "Alerts",
            Tab::Log => "Server log",
            Tab::Keyspace => "Keyspace",
            Tab::PageMap => "Page map",
        }
    }
}

impl PanelState {
    pub fn provide() -> PanelState {
        let state =
            PanelState { member: RwSignal::new("infra1".to_string()), tab: RwSignal::new(Tab::History) };
        provide_context(state);
        state
    }
}

/// Picks the member a panel shows.
#[component]
pub fn MemberSelect() -> impl IntoView {
    let context = expect_context::<PlaygroundContext>();
    let panel = expect_context::<PanelState>();
    let names =
        Memo::new(move |_| context.read(|p| p.members().into_iter().map(|m| m.name).collect::<Vec<_>>()));
    view! {
        <label class="member-select">
            "member "
            <select
                data-testid="panel-member"
                on:change=move |ev| panel.member.set(event_target_value(&ev))
                prop:value=move || panel.member.get()
            >
                {move || {
                    names
                        .get()
                        .into_iter()
                        .map(|name| {
                            let selected = name == panel.member.get_untracked();
                            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

#[component]
pub fn PanelTabs() -> impl IntoView {
    let panel = expect_context::<PanelState>();
    let tabs = Tab::ALL.map(|tab| {
        view! {
            <button
                role="tab"
                data-testid=format!("tab-{}", tab.id())
                aria-selected=move || (panel.tab.get() == tab).to_string()
                class:active=move || panel.tab.get() == tab
                on:click=move |_| panel.tab.set(tab)
            >
                {tab.label()}
            </button>
        }
    });
    view! {
        <div class="tabs" role="tablist">{tabs}</div>
        <div class="tab-body" role="tabpanel">
            {move || match panel.tab.get() {
                Tab::History => view! { <ChartsPanel /> }.into_any(),
                Tab::Alerts => view! { <AlertsPanel /> }.into_any(),
                Tab::Log => view! { <ServerLog /> }.into_any(),
                Tab::Keyspace => view! { <KeyspacePanel /> }.into_any(),
                Tab::PageMap => view! { <PageMapPanel /> }.into_any(),
            }}
        </div>
    }
}
