from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("transactions", views.TransactionViewSet, basename="transaction")
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("invoice-items", views.InvoiceItemViewSet, basename="invoice-item")
router.register("budgets", views.BudgetViewSet, basename="budget")
router.register("cash-flows", views.CashFlowViewSet, basename="cash-flow")
router.register("analytics", views.AnalyticsViewSet, basename="finance-analytics")

urlpatterns = router.urls
