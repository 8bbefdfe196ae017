using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kms.Api;

/// <summary>
/// Turns exceptions that escape request handling into problem-details responses via <see cref="ApiErrorMapper"/>.
/// Unexpected exceptions are logged here with the trace id; the client only sees a generic 500.
/// </summary>
internal sealed partial class ApiExceptionMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ApiExceptionMiddleware> _logger;

    public ApiExceptionMiddleware(RequestDelegate next, ILogger<ApiExceptionMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await _next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            LogRequestAborted(_logger, context.Request.Method, context.Request.Path);
        }
        catch (Exception exception)
        {
            ApiError error = ApiErrorMapper.Map(exception);
            string traceId = ProblemResponseWriter.GetTraceId(context);
            if (error.IsServerFault)
            {
                LogUnhandledException(_logger, exception, context.Request.Method, context.Request.Path, traceId);
            }
            else
            {
                LogRequestRejected(_logger, exception, context.Request.Method, context.Request.Path, error.Status,
                    error.Type, traceId);
            }

            if (context.Response.HasStarted)
            {
                // Headers are gone; a truncated body is better signalled by aborting than by appending JSON.
                LogResponseAlreadyStarted(_logger, traceId);
                context.Abort();
                return;
            }

            context.Response.Clear();
            await ApiErrorFormat.WriteForEndpointAsync(context, error, context.RequestAborted);
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error,
        Message = "Unhandled exception while handling {Method} {Path} (trace id {TraceId})")]
    private static partial void LogUnhandledException(
        ILogger logger, Exception exception, string method, PathString path, string traceId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug,
        Message = "Rejected {Method} {Path} with {Status} {ProblemType} (trace id {TraceId})")]
    private static partial void LogRequestRejected(
        ILogger logger, Exception exception, string method, PathString path, int status, string problemType,
        string traceId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning,
        Message = "The response had already started when the request failed; aborted the connection (trace id {TraceId})")]
    private static partial void LogResponseAlreadyStarted(ILogger logger, string traceId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Client aborted {Method} {Path}")]
    private static partial void LogRequestAborted(ILogger logger, string method, PathString path);
}
