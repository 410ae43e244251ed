using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CorralOS.Engine.Api;

/// <summary>
/// The one place where failures become HTTP: engine errors by kind (304/400/404/409), a bad request from Kestrel
/// 400, anything else 500; the body is always {"message": "..."} with a one-line message.
/// </summary>
public static partial class ErrorMapping
{
    public static Func<HttpContext, Func<Task>, Task> Middleware(ILogger logger) => async (context, next) =>
    {
        try
        {
            await next();
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the engine is stopping): nobody is left to answer.
        }
        catch (Exception e)
        {
            var status = StatusOf(e);
            if (status == StatusCodes.Status500InternalServerError)
            {
                LogFailure(logger, context.Request.Method, context.Request.Path, e);
            }
            if (context.Response.HasStarted)
            {
                // Headers are out: the client can only learn from the connection being cut.
                context.Abort();
                return;
            }
            if (status == StatusCodes.Status304NotModified)
            {
                // Docker answers "nothing to do" with an empty 304.
                context.Response.StatusCode = status;
                return;
            }
            await WriteAsync(context, status, OneLine(e.Message));
        }
    };

    public static int StatusOf(Exception e) => e switch
    {
        NotFoundException => StatusCodes.Status404NotFound,
        NotModifiedException => StatusCodes.Status304NotModified,
        ConflictException => StatusCodes.Status409Conflict,
        InvalidArgumentException or BadHttpRequestException => StatusCodes.Status400BadRequest,
        NotSupportedByDriverException => StatusCodes.Status501NotImplemented,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Dtos.ErrorResponse(message), ApiJson.Default.ErrorResponse, contentType: "application/json");
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, string path, Exception exception);
}
