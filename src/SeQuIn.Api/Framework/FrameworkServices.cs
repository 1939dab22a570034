using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Framework;

/// <summary>
/// What the handlers that change framework versions share: the request, the database, the audit trail, the clock.
/// No caller: only a national administrator reaches them, and what they do does not depend on who.
/// </summary>
public readonly record struct FrameworkServices(HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock) : IServiceBundle;
