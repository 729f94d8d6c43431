//! The app's routes: links and redirects name a variant, never a string.

use leptos_router::AsPath;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppRoute {
    Home,
    Login,
}

impl AppRoute {
    pub const fn href(self) -> &'static str {
        match self {
            AppRoute::Home => "/",
            AppRoute::Login => "/login",
        }
    }
}

impl AsPath for AppRoute {
    fn as_path(&self) -> &'static str {
        self.href().trim_start_matches('/')
    }
}
