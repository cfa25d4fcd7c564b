//! C4–C6: the app may reach each enabled store on its port.

use super::*;

/// C4: the app may reach the database, if one is enabled.
pub fn c4(r: &Review, out: &mut Vec<Finding>) {
    if let Some(db) = r.ctx.stores.database() {
        app_to_store(r, out, CheckId::C4, db);
    }
}

/// C5: the app may reach redis, if enabled.
pub fn c5(r: &Review, out: &mut Vec<Finding>) {
    if r.ctx.stores.redis {
        app_to_store(r, out, CheckId::C5, "redis");
    }
}

/// C6: the app may reach rabbitmq, if enabled.
pub fn c6(r: &Review, out: &mut Vec<Finding>) {
    if r.ctx.stores.rabbitmq {
        app_to_store(r, out, CheckId::C6, "rabbitmq");
    }
}
