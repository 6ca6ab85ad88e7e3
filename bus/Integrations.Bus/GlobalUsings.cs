global using Integrations.Messages;
