namespace Integrations.Bus.Consuming;

/// <summary>RabbitMQ's refusals and failures, told in our words (for the backbone's listeners, AMQP channels and outgoing AMQP connections).</summary>
public static class AmqpErrors
{
    /// <summary>
    /// What went wrong with a broker, in our words: the broker's own reason without the client's wrapping, and what a
    /// refusal about an exchange or queue means.
    /// </summary>
    public static string Explain(Exception e)
    {
        var reason = e switch
        {
            RabbitMQ.Client.Exceptions.OperationInterruptedException { ShutdownReason: { } r } => r,
            _ => null,
        };
        if (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException) return "the broker cannot be reached";
        if (reason is null) return e.Message;
        // "NOT_FOUND - no exchange 'billing' in vhost '/'"
        var text = reason.ReplyText.Contains(" - ", StringComparison.Ordinal) ? reason.ReplyText[(reason.ReplyText.IndexOf(" - ", StringComparison.Ordinal) + 3)..] : reason.ReplyText;
        return reason.ReplyCode switch
        {
            404 => $"the broker has {text}; declare it there, or name one that exists",
            403 => $"the broker refused access ({text}): the connection's user may not do this",
            320 => $"the broker closed the connection ({text})",
            406 => $"the broker refused: {text}",
            _ => $"the broker said: {reason.ReplyText}",
        };
    }
}
