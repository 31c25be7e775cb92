"""DynamoDB: the table schemas (pynamodb models) and the adapters that
implement core's ports. Only `bootstrap` hands these to the features."""
