using System.Linq.Expressions;
using Kms.Actors.Runtime;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Kms.Actors.Serialization;

/// <summary>Builds, once per method at startup, the delegates that call grain methods without reflection per call.</summary>
internal static class GrainMethodCompiler
{
    /// <summary>Compiles <c>(grain, args) =&gt; Complete(((IFoo)grain).Bar((A)args[0], ...), resultTypeInfo)</c>.</summary>
    public static Func<object, object?[], ValueTask<byte[]?>> CompileGrainInvoker(GrainMethod method)
    {
        ParameterExpression grain = Expression.Parameter(typeof(object), "grain");
        ParameterExpression args = Expression.Parameter(typeof(object?[]), "args");
        ParameterInfo[] parameters = method.Method.GetParameters();
        var arguments = new Expression[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            arguments[i] = Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), parameters[i].ParameterType);
        }

        Expression call = Expression.Call(Expression.Convert(grain, method.Method.DeclaringType!), method.Method, arguments);
        Expression body = method.ReturnKind switch
        {
            ReturnKind.Task => Expression.Call(typeof(GrainMethodCompiler).GetMethod(nameof(CompleteTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
            ReturnKind.ValueTask => Expression.Call(typeof(GrainMethodCompiler).GetMethod(nameof(CompleteValueTask), BindingFlags.NonPublic | BindingFlags.Static)!, call),
            _ => Expression.Call(
                typeof(GrainMethodCompiler)
                    .GetMethod(method.ReturnKind == ReturnKind.TaskOfT ? nameof(CompleteTaskOf) : nameof(CompleteValueTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(method.Result!.Type),
                call,
                Expression.Constant(method.Result, typeof(JsonTypeInfo<>).MakeGenericType(method.Result.Type))),
        };

        return Expression.Lambda<Func<object, object?[], ValueTask<byte[]?>>>(body, grain, args).Compile();
    }

    /// <summary>Binds the generic helper that implements the method's return type on a proxy.</summary>
    public static Func<GrainReference, object?[], object> CreateProxyInvoker(GrainMethod method)
    {
        if (method.ReturnKind is ReturnKind.Task or ReturnKind.ValueTask)
        {
            bool isValueTask = method.ReturnKind == ReturnKind.ValueTask;
            return (reference, args) =>
            {
                Task task = reference.Invoker.InvokeAsync(reference, method, method.EncodeArguments(args));
                return isValueTask ? new ValueTask(task) : task;
            };
        }

        string helper = method.ReturnKind == ReturnKind.TaskOfT ? nameof(ProxyTaskOf) : nameof(ProxyValueTaskOf);
        return typeof(GrainMethodCompiler)
            .GetMethod(helper, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(method.Result!.Type)
            .CreateDelegate<Func<GrainMethod, Func<GrainReference, object?[], object>>>()(method);
    }

    private static Func<GrainReference, object?[], object> ProxyTaskOf<T>(GrainMethod method)
    {
        var typeInfo = (JsonTypeInfo<T>)method.Result!;
        return (reference, args) => CallAsync(reference, method, args, typeInfo);
    }

    private static Func<GrainReference, object?[], object> ProxyValueTaskOf<T>(GrainMethod method)
    {
        var typeInfo = (JsonTypeInfo<T>)method.Result!;
        return (reference, args) => new ValueTask<T>(CallAsync(reference, method, args, typeInfo));
    }

    private static async Task<T> CallAsync<T>(GrainReference reference, GrainMethod method, object?[] args, JsonTypeInfo<T> typeInfo)
    {
        byte[]? result = await reference.Invoker.InvokeAsync(reference, method, method.EncodeArguments(args)).ConfigureAwait(false);
        if (result is null)
        {
            throw new JsonException($"{method} returned no result.");
        }

        return JsonSerializer.Deserialize(result, typeInfo)!;
    }

    private static ValueTask<byte[]?> CompleteTask(Task task)
        => task.IsCompletedSuccessfully ? default : AwaitTask(task);

    private static async ValueTask<byte[]?> AwaitTask(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    private static ValueTask<byte[]?> CompleteValueTask(ValueTask task)
        => task.IsCompletedSuccessfully ? default : AwaitTask(task.AsTask());

    private static ValueTask<byte[]?> CompleteTaskOf<T>(Task<T> task, JsonTypeInfo<T> typeInfo)
        => task.IsCompletedSuccessfully
            ? new ValueTask<byte[]?>(JsonSerializer.SerializeToUtf8Bytes(task.Result, typeInfo))
            : AwaitTaskOf(task, typeInfo);

    private static async ValueTask<byte[]?> AwaitTaskOf<T>(Task<T> task, JsonTypeInfo<T> typeInfo)
        => JsonSerializer.SerializeToUtf8Bytes(await task.ConfigureAwait(false), typeInfo);

    private static ValueTask<byte[]?> CompleteValueTaskOf<T>(ValueTask<T> task, JsonTypeInfo<T> typeInfo)
        => task.IsCompletedSuccessfully
            ? new ValueTask<byte[]?>(JsonSerializer.SerializeToUtf8Bytes(task.Result, typeInfo))
            : AwaitTaskOf(task.AsTask(), typeInfo);
}
