using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// Runs a handler and answers its refusals as problem details: <see cref="ApiRefusal"/> as it says; the CLI's and the
/// silos' checks (ArgumentException) as 400 naming the field, 403 when a silo's roots refuse a location, 409 when the job id
/// is another spec's; a cluster that does not answer as 503.
/// </summary>
public static class ApiGuard
{
    public static async Task<IResult> RunAsync(string prefix, Func<Task<IResult>> handler, bool flatModel = false)
    {
        try { return await handler(); }
        catch (ApiRefusal e) { return ApiProblems.Problem(e.Status, e.Field, e.Message, e.More); }
        catch (ArgumentException e) { return ApiProblems.Problem(StatusOf(e.Message), ApiProblems.FieldOf(e.Message, prefix, flatModel), e.Message); }
        catch (UnauthorizedAccessException e) { return ApiProblems.Problem(StatusCodes.Status403Forbidden, prefix, e.Message); }
        catch (Exception e) when (e is OrleansException or TimeoutException or SiloUnavailableException)
        {
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "cluster", $"the cluster did not answer: {e.Message}");
        }
    }

    private static int StatusOf(string message) =>
        message.Contains("outside this silo's data roots", StringComparison.Ordinal) || message.Contains("is not one this silo allows", StringComparison.Ordinal)
            ? StatusCodes.Status403Forbidden
            : message.Contains("already exists with a different spec", StringComparison.Ordinal) ? StatusCodes.Status409Conflict
            : StatusCodes.Status400BadRequest;
}
