using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Actions;

/// <summary>What the action and priority handlers share: who asks, the request, the database, the audit trail, the clock.</summary>
public readonly record struct ActionServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock)
    : IServiceBundle;
