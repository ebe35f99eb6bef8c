from rest_framework.routers import SimpleRouter

from . import insights, mpesa, views

router = SimpleRouter()
router.register("transactions", views.TransactionViewSet, basename="transaction")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("invoice-items", views.InvoiceItemViewSet, basename="invoice-item")
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("cash-flows", views.CashFlowViewSet, basename="cash-flow")
router.register("analytics", views.AnalyticsViewSet, basename="finance-analytics")
router.register("forecasts", insights.ForecastViewSet, basename="forecast")
router.register("credit-scores", insights.CreditScoreViewSet, basename="credit-score")
router.register("mpesa/stk-requests", mpesa.MpesaStkRequestViewSet, basename="mpesa-stk-request")

urlpatterns = [*mpesa.urlpatterns, *router.urls]
