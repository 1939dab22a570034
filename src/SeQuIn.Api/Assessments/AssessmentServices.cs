using SeQuIn.Api.Access;
using SeQuIn.Api.Audit;
using SeQuIn.Api.Common;
using SeQuIn.Api.Data;

namespace SeQuIn.Api.Assessments;

/// <summary>What the assessment and evidence handlers share: who asks, the request, the database, the audit trail, the clock.</summary>
public readonly record struct AssessmentServices(Caller Caller, HttpContext Http, SeQuInDbContext Db, AuditTrail Audit, TimeProvider Clock)
    : IServiceBundle;
