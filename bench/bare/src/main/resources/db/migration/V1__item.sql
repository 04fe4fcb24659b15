create sequence Item_SEQ increment by 50;
create table Item (id bigint primary key, name text);
