//! Enums whose values are snake_case strings on the wire and in the database.

/// Declares an enum with its wire names, `ALL`, `as_str` and `parse`, serde derives and (with the
/// `openapi` feature) a schema that all use the same names.
///
/// The schema is written by hand: utoipa's derive does not see the `#[serde(rename = …)]` that
/// this macro puts on each variant, and would document the Rust names ("TradeShow") instead of
/// the wire names ("trade_show").
#[macro_export]
macro_rules! wire_enum {
    ($(#[doc = $doc:literal])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Every wire name, in declaration order.
            pub fn wire_names() -> Vec<&'static str> {
                vec![$($wire),+]
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::wire_enum::schema(&[$($doc),*], &[$($wire),+])
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// A string schema listing the wire values, described by the enum's doc comment (its lines
/// joined as utoipa's derive joins them).
#[cfg(feature = "openapi")]
pub fn schema(doc: &[&str], wire: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let description = doc.iter().map(|line| line.trim()).collect::<Vec<_>>().join("\n");
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description((!description.is_empty()).then_some(description))
        .enum_values(Some(wire.iter().copied()))
        .into()
}

#[cfg(all(test, feature = "openapi"))]
mod tests {
    use utoipa::PartialSchema;

    crate::wire_enum! {
        /// A test enum,
        /// on two lines.
        pub enum Sample { First = "first", TradeShow = "trade_show" }
    }

    #[test]
    fn the_schema_lists_the_wire_names_and_keeps_the_doc() {
        assert_eq!(Sample::wire_names(), ["first", "trade_show"]);
        assert_eq!(Sample::parse("trade_show"), Some(Sample::TradeShow));
        let schema = serde_json::to_value(Sample::schema()).unwrap();
        assert_eq!(
            schema,
            serde_json::json!({
                "type": "string",
                "description": "A test enum,\non two lines.",
                "enum": ["first", "trade_show"],
            })
        );
    }
}
