"""Transform: dbt models on the lake's raw statements, checked and published as a certified snapshot."""
