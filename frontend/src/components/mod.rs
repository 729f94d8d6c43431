//! Pieces shared by several pages.

pub mod icons;
pub mod lang_switch;
pub mod shell;
pub mod splash;

pub use lang_switch::LangSwitch;
pub use shell::Shell;
pub use splash::Splash;
