using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Families;

/// <summary>What the family handlers share: who asks, the request, the database, the audit trail, the clock, the share-code limits.</summary>
public readonly record struct FamilyServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock, FamilyLimits Limits)
    : IServiceBundle;
