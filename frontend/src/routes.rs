//! The app's routes and a small router over the History API. Links and redirects name a variant,
//! never a string, and a path with a parameter parses into a typed one or into `NotFound`.
//!
//! Hand-written rather than `leptos_router`: the app needs only a flat table of paths, and the
//! general router costs about a quarter of the download budget.

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRoute {
    Home,
    Login,
    Profile,
    ApiKeys,
    Users,
    NewUser,
    User(Uuid),
    Teams,
    NewTeam,
    Team(Uuid),
    Today,
    Customers,
    NewCustomer,
    Customer(Uuid),
    EditCustomer(Uuid),
    Pool,
    /// The pipeline board.
    Leads,
    /// A new lead, for the customer with this id if there is one.
    NewLead(Option<Uuid>),
    Lead(Uuid),
    Products,
    NewProduct,
    /// A new quote for a customer, for one of its leads if given.
    NewQuote(Uuid, Option<Uuid>),
    Quote(Uuid),
    /// Quotes waiting for a manager's approval.
    Approvals,
    Purchase(Uuid),
    Product(Uuid),
    /// The CSV import wizard.
    Import,
    Contact(Uuid),
    /// A new contact of the customer with this id.
    NewContact(Uuid),
    /// The service queue.
    Complaints,
    /// Quick entry of a complaint, for the customer with this id if given.
    NewComplaint(Option<Uuid>),
    Complaint(Uuid),
    NotFound,
}

impl AppRoute {
    /// The route of a URL path, optionally followed by its query (`/contacts/new?customer_id=…`).
    pub fn parse(url: &str) -> AppRoute {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let path = path.trim_end_matches('/');
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        let id = |s: &str, route: fn(Uuid) -> AppRoute| Uuid::parse_str(s).map_or(AppRoute::NotFound, route);
        match segments.as_slice() {
            [] => AppRoute::Home,
            ["login"] => AppRoute::Login,
            ["profile"] => AppRoute::Profile,
            ["api-keys"] => AppRoute::ApiKeys,
            ["users"] => AppRoute::Users,
            ["users", "new"] => AppRoute::NewUser,
            ["users", u] => id(u, AppRoute::User),
            ["teams"] => AppRoute::Teams,
            ["teams", "new"] => AppRoute::NewTeam,
            ["teams", t] => id(t, AppRoute::Team),
            ["today"] => AppRoute::Today,
            ["pool"] => AppRoute::Pool,
            ["import"] => AppRoute::Import,
            ["leads"] => AppRoute::Leads,
            ["leads", "new"] => match query_param(query, "customer_id") {
                None => AppRoute::NewLead(None),
                Some(c) => id(c, |c| AppRoute::NewLead(Some(c))),
            },
            ["leads", l] => id(l, AppRoute::Lead),
            ["quotes", "new"] => match (
                query_param(query, "customer_id").map(Uuid::parse_str),
                query_param(query, "lead_id").map(Uuid::parse_str),
            ) {
                (Some(Ok(c)), None) => AppRoute::NewQuote(c, None),
                (Some(Ok(c)), Some(Ok(l))) => AppRoute::NewQuote(c, Some(l)),
                _ => AppRoute::NotFound,
            },
            ["quotes", q] => id(q, AppRoute::Quote),
            ["approvals"] => AppRoute::Approvals,
            ["purchases", p] => id(p, AppRoute::Purchase),
            ["products"] => AppRoute::Products,
            ["products", "new"] => AppRoute::NewProduct,
            ["products", p] => id(p, AppRoute::Product),
            ["customers"] => AppRoute::Customers,
            ["customers", "new"] => AppRoute::NewCustomer,
            ["customers", c] => id(c, AppRoute::Customer),
            ["customers", c, "edit"] => id(c, AppRoute::EditCustomer),
            ["contacts", "new"] => {
                query_param(query, "customer_id").map_or(AppRoute::NotFound, |c| id(c, AppRoute::NewContact))
            }
            ["contacts", c] => id(c, AppRoute::Contact),
            ["complaints"] => AppRoute::Complaints,
            ["complaints", "new"] => match query_param(query, "customer_id") {
                None => AppRoute::NewComplaint(None),
                Some(c) => id(c, |c| AppRoute::NewComplaint(Some(c))),
            },
            ["complaints", c] => id(c, AppRoute::Complaint),
            _ => AppRoute::NotFound,
        }
    }

    pub fn href(self) -> String {
        match self {
            AppRoute::Home => "/".to_owned(),
            AppRoute::Login => "/login".to_owned(),
            AppRoute::Profile => "/profile".to_owned(),
            AppRoute::ApiKeys => "/api-keys".to_owned(),
            AppRoute::Users => "/users".to_owned(),
            AppRoute::NewUser => "/users/new".to_owned(),
            AppRoute::User(id) => format!("/users/{id}"),
            AppRoute::Teams => "/teams".to_owned(),
            AppRoute::NewTeam => "/teams/new".to_owned(),
            AppRoute::Team(id) => format!("/teams/{id}"),
            AppRoute::Today => "/today".to_owned(),
            AppRoute::Pool => "/pool".to_owned(),
            AppRoute::Import => "/import".to_owned(),
            AppRoute::Leads => "/leads".to_owned(),
            AppRoute::NewLead(None) => "/leads/new".to_owned(),
            AppRoute::NewLead(Some(customer)) => format!("/leads/new?customer_id={customer}"),
            AppRoute::Lead(id) => format!("/leads/{id}"),
            AppRoute::NewQuote(c, None) => format!("/quotes/new?customer_id={c}"),
            AppRoute::NewQuote(c, Some(l)) => format!("/quotes/new?customer_id={c}&lead_id={l}"),
            AppRoute::Quote(id) => format!("/quotes/{id}"),
            AppRoute::Approvals => "/approvals".to_owned(),
            AppRoute::Purchase(id) => format!("/purchases/{id}"),
            AppRoute::Products => "/products".to_owned(),
            AppRoute::NewProduct => "/products/new".to_owned(),
            AppRoute::Product(id) => format!("/products/{id}"),
            AppRoute::Customers => "/customers".to_owned(),
            AppRoute::NewCustomer => "/customers/new".to_owned(),
            AppRoute::Customer(id) => format!("/customers/{id}"),
            AppRoute::EditCustomer(id) => format!("/customers/{id}/edit"),
            AppRoute::Contact(id) => format!("/contacts/{id}"),
            AppRoute::NewContact(customer) => format!("/contacts/new?customer_id={customer}"),
            AppRoute::Complaints => "/complaints".to_owned(),
            AppRoute::NewComplaint(None) => "/complaints/new".to_owned(),
            AppRoute::NewComplaint(Some(customer)) => format!("/complaints/new?customer_id={customer}"),
            AppRoute::Complaint(id) => format!("/complaints/{id}"),
            // Never linked to; it is what an unknown path becomes.
            AppRoute::NotFound => "/not-found".to_owned(),
        }
    }

    /// The navigation item a route belongs to, so a user's edit page keeps "Users" lit.
    pub fn section(self) -> AppRoute {
        match self {
            AppRoute::NewUser | AppRoute::User(_) => AppRoute::Users,
            AppRoute::NewTeam | AppRoute::Team(_) => AppRoute::Teams,
            AppRoute::NewCustomer
            | AppRoute::Customer(_)
            | AppRoute::EditCustomer(_)
            | AppRoute::Contact(_)
            | AppRoute::NewContact(_)
            | AppRoute::Import => AppRoute::Customers,
            AppRoute::NewLead(_)
            | AppRoute::Lead(_)
            | AppRoute::NewQuote(..)
            | AppRoute::Quote(_)
            | AppRoute::Purchase(_) => AppRoute::Leads,
            AppRoute::NewProduct | AppRoute::Product(_) => AppRoute::Products,
            AppRoute::NewComplaint(_) | AppRoute::Complaint(_) => AppRoute::Complaints,
            other => other,
        }
    }
}

/// The current route, shared through context.
#[derive(Clone, Copy)]
pub struct Router {
    route: RwSignal<AppRoute>,
    /// Where to go after signing in, when a page sent the user to sign in first.
    after_login: StoredValue<Option<AppRoute>>,
}

impl Router {
    pub fn provide() -> Router {
        let router = Router { route: RwSignal::new(current()), after_login: StoredValue::new(None) };
        // Back and forward buttons: the browser has already changed the URL.
        let handle = window_event_listener(ev::popstate, move |_| router.route.set(current()));
        // The listener lives as long as the page.
        std::mem::forget(handle);
        provide_context(router);
        router
    }

    /// The current route; reactive.
    pub fn route(&self) -> AppRoute {
        self.route.get()
    }

    pub fn route_untracked(&self) -> AppRoute {
        self.route.get_untracked()
    }

    /// Goes to `route` as a new history entry.
    pub fn go(&self, route: AppRoute) {
        self.change(route, false);
    }

    /// Goes to `route` in place of the current entry, so Back does not return to a redirect.
    pub fn replace(&self, route: AppRoute) {
        self.change(route, true);
    }

    fn change(&self, route: AppRoute, replace: bool) {
        let url = route.href();
        if let Ok(history) = window().history() {
            let _ = if replace {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
            } else {
                history.push_state_with_url(&JsValue::NULL, "", Some(&url))
            };
        }
        if !replace {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        self.route.set(route);
    }

    pub fn set_after_login(&self, route: AppRoute) {
        self.after_login.set_value(Some(route));
    }

    pub fn take_after_login(&self) -> Option<AppRoute> {
        self.after_login.try_update_value(Option::take).flatten()
    }
}

fn current() -> AppRoute {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    location.pathname().map_or(AppRoute::Home, |p| AppRoute::parse(&format!("{p}{search}")))
}

/// The value of `name` in a query string (`a=1&b=2`, with or without its `?`). Only ids and plain
/// words are read from URLs, so no percent-decoding is needed.
pub fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

/// A link the router follows without reloading the page. Clicks with a modifier key (new tab,
/// new window) are left to the browser, which is why this is a real `<a href>`.
#[component]
pub fn Link(
    route: AppRoute,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] testid: &'static str,
    /// Marks the link as the current page while the route's section is shown.
    #[prop(optional)]
    nav: bool,
    /// Another section the link stands for too, such as the phone bar's one item for the account.
    #[prop(default = None)]
    also: Option<AppRoute>,
    children: Children,
) -> impl IntoView {
    let router = use_router();
    let current = move || {
        let section = router.route().section();
        (nav && (section == route || Some(section) == also)).then_some("page")
    };
    view! {
        <a
            href=route.href()
            class=class
            data-testid=(!testid.is_empty()).then_some(testid)
            aria-current=current
            on:click=move |ev: ev::MouseEvent| {
                let plain = ev.button() == 0
                    && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key());
                if plain && !ev.default_prevented() {
                    ev.prevent_default();
                    router.go(route);
                }
            }
        >
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::AppRoute;
    use uuid::Uuid;

    #[test]
    fn every_route_parses_from_its_href() {
        let id = Uuid::from_u128(0x0191_2d2e_0000_7000_8000_0000_0000_0001);
        for route in [
            AppRoute::Home,
            AppRoute::Login,
            AppRoute::Profile,
            AppRoute::ApiKeys,
            AppRoute::Users,
            AppRoute::NewUser,
            AppRoute::User(id),
            AppRoute::Teams,
            AppRoute::NewTeam,
            AppRoute::Team(id),
            AppRoute::Today,
            AppRoute::Pool,
            AppRoute::Import,
            AppRoute::Leads,
            AppRoute::NewLead(None),
            AppRoute::NewLead(Some(id)),
            AppRoute::Lead(id),
            AppRoute::Products,
            AppRoute::NewProduct,
            AppRoute::Product(id),
            AppRoute::NewQuote(id, None),
            AppRoute::NewQuote(id, Some(id)),
            AppRoute::Quote(id),
            AppRoute::Approvals,
            AppRoute::Purchase(id),
            AppRoute::Customers,
            AppRoute::NewCustomer,
            AppRoute::Customer(id),
            AppRoute::EditCustomer(id),
            AppRoute::Contact(id),
            AppRoute::NewContact(id),
            AppRoute::Complaints,
            AppRoute::NewComplaint(None),
            AppRoute::NewComplaint(Some(id)),
            AppRoute::Complaint(id),
        ] {
            assert_eq!(AppRoute::parse(&route.href()), route, "{route:?}");
        }
    }

    #[test]
    fn unknown_and_malformed_paths_are_not_found() {
        assert_eq!(AppRoute::parse(""), AppRoute::Home);
        assert_eq!(AppRoute::parse("/users/"), AppRoute::Users);
        assert_eq!(AppRoute::parse("/users/not-a-uuid"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/users/new/extra"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/customers/x/edit"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/contacts/new"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/contacts/new?customer_id=nope"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/pool/x"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/login/x"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/api-keys/x"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/complaints/new?customer_id=nope"), AppRoute::NotFound);
        assert_eq!(AppRoute::parse("/complaints/x"), AppRoute::NotFound);
    }

    #[test]
    fn edit_pages_belong_to_their_list() {
        let id = Uuid::nil();
        assert_eq!(AppRoute::User(id).section(), AppRoute::Users);
        assert_eq!(AppRoute::NewTeam.section(), AppRoute::Teams);
        assert_eq!(AppRoute::Profile.section(), AppRoute::Profile);
        assert_eq!(AppRoute::EditCustomer(id).section(), AppRoute::Customers);
        assert_eq!(AppRoute::NewContact(id).section(), AppRoute::Customers);
        assert_eq!(AppRoute::Import.section(), AppRoute::Customers);
        assert_eq!(AppRoute::Complaint(id).section(), AppRoute::Complaints);
        assert_eq!(AppRoute::NewComplaint(None).section(), AppRoute::Complaints);
    }
}
