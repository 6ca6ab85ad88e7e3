using Integrations.Bus.Services;

namespace Integrations.Tests.Unit.Sdk
{
    public sealed class Naming_services
    {
        [Fact]
        public void The_attribute_names_the_service() =>
            Assert.Equal("demo.hello", ServiceNames.Of(typeof(Integrations.Services.Demo.Hello)));

        [Fact]
        public void Without_the_attribute_the_name_comes_from_namespace_and_class() =>
            Assert.Equal("billing.get-invoice-pdf", ServiceNames.Of(typeof(Acme.Billing.GetInvoicePDFService)));

        [Theory]
        [InlineData("crm.get-customer", true)]
        [InlineData("demo.hello", true)]
        [InlineData("Demo.Hello", false)]
        [InlineData("crm..get", false)]
        [InlineData("", false)]
        [InlineData("crm get", false)]
        public void Names_are_checked(string name, bool valid) => Assert.Equal(valid, ServiceNames.Problem(name) is null);

        [Fact]
        public void A_class_that_is_not_a_service_is_refused_with_the_reason()
        {
            var error = Assert.Throws<ArgumentException>(() => ServiceDefinition.Describe(typeof(string), "built-in"));
            Assert.Contains("derives from Service<TInput, TOutput>", error.Message);
        }

        [Fact]
        public void Two_classes_cannot_share_a_name()
        {
            var catalog = new ServiceCatalog();
            catalog.Add(ServiceDefinition.Describe(typeof(Acme.Billing.GetInvoicePDFService), "built-in"));
            var error = Assert.Throws<ArgumentException>(() => catalog.Add(ServiceDefinition.Describe(typeof(Acme.Other.Billing.GetInvoicePDF), "built-in")));
            Assert.Contains("'billing.get-invoice-pdf' is taken", error.Message);
        }
    }
}

namespace Acme.Billing
{
    public sealed class GetInvoicePDFService : Integrations.Service<Integrations.NoInput, string>
    {
        protected override Task<string> Handle(Integrations.NoInput input, Integrations.ServiceContext ctx) => Task.FromResult("pdf");
    }
}

namespace Acme.Other.Billing
{
    public sealed class GetInvoicePDF : Integrations.Service<Integrations.NoInput, string>
    {
        protected override Task<string> Handle(Integrations.NoInput input, Integrations.ServiceContext ctx) => Task.FromResult("pdf");
    }
}
