//! One module per route.

pub mod home;
pub mod login;
pub mod not_found;

pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
